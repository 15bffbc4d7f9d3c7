; corpus/equivalent/i386-u64-arg-in-edx-ecx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x185 (bvsub ESP (_ bv4 32))))
(let ((?x14 (bvadd ?x185 (_ bv4 32))))
(let (($x139 (and (distinct ?x14 ESP) true)))
(let (($x167 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x32 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x151 (= TF (_ bv0 1))))
(let (($x166 (= VM (_ bv0 1))))
(let (($x211 (= DF (_ bv0 1))))
(and $x211 $x166 $x151 $x32 (or $x167 $x139)))))))))))
(check-sat)
