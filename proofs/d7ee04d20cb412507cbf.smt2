; corpus/equivalent/i386-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x11 (bvsub ESP (_ bv4 32))))
(let ((?x39 (bvadd ?x11 (_ bv4 32))))
(let (($x178 (and (distinct ?x39 ESP) true)))
(let (($x41 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x197 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x137 (= TF (_ bv0 1))))
(let (($x8 (= VM (_ bv0 1))))
(let (($x19 (= DF (_ bv0 1))))
(and $x19 $x8 $x137 $x197 (or $x41 $x178)))))))))))
(check-sat)
