; corpus/history/2.6.22-i386/2.6.22-i386-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x86 (bvsub ESP (_ bv4 32))))
(let ((?x143 (bvadd ?x86 (_ bv4 32))))
(let (($x261 (and (distinct ?x143 ESP) true)))
(let (($x596 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x275 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x12 (= TF (_ bv0 1))))
(let (($x334 (= VM (_ bv0 1))))
(let (($x403 (= DF (_ bv0 1))))
(and $x403 $x334 $x12 $x275 (or $x596 $x261)))))))))))
(check-sat)
