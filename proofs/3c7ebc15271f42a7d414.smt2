; corpus/equivalent/i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x14 (bvsub ESP (_ bv4 32))))
(let ((?x165 (bvadd ?x14 (_ bv4 32))))
(let (($x144 (and (distinct ?x165 ESP) true)))
(let (($x203 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x108 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x7 (= TF (_ bv0 1))))
(let (($x107 (= VM (_ bv0 1))))
(let (($x202 (= DF (_ bv0 1))))
(and $x202 $x107 $x7 $x108 (or $x203 $x144)))))))))))
(check-sat)
