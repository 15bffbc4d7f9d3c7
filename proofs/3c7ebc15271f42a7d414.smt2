; corpus/equivalent/i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x317 (bvsub ESP (_ bv4 32))))
(let ((?x315 (bvadd ?x317 (_ bv4 32))))
(let (($x77 (and (distinct ?x315 ESP) true)))
(let (($x81 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x9 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x58 (= TF (_ bv0 1))))
(let (($x48 (= VM (_ bv0 1))))
(let (($x167 (= DF (_ bv0 1))))
(and $x167 $x48 $x58 $x9 (or $x81 $x77)))))))))))
(check-sat)
