; corpus/equivalent/i386-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x35 (bvsub ESP (_ bv4 32))))
(let ((?x22 (bvadd ?x35 (_ bv4 32))))
(let (($x83 (and (distinct ?x22 ESP) true)))
(let (($x7 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x153 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x98 (= TF (_ bv0 1))))
(let (($x85 (= VM (_ bv0 1))))
(let (($x57 (= DF (_ bv0 1))))
(and $x57 $x85 $x98 $x153 (or $x7 $x83)))))))))))
(check-sat)
